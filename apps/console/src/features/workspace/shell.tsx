import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../../api/api-context';
import { actsOnAllLines, canConfigure, roleLabels } from '../../auth/roles';
import { navigate, useHashRoute } from '../../routing/use-hash-route';
import { selectBucket, type ConversationBucket } from '../../state/conversation-list';
import { ChannelsPage } from '../admin/channels-page';
import { LinesPage } from '../admin/lines-page';
import { OperatorsPage } from '../admin/operators-page';
import { ConnectionStatus } from './connection-status';
import { useWorkspace } from './use-workspace';
import { WorkspacePage } from './workspace-page';

const buckets: { bucket: ConversationBucket; label: string }[] = [
  { bucket: 'queue', label: 'Queue' },
  { bucket: 'mine', label: 'Mine' },
  { bucket: 'closed', label: 'Closed' },
];

export function Shell({ onLogout }: { onLogout(): void }) {
  const { api, session } = useApi();
  const route = useHashRoute();
  const workspace = useWorkspace(api, session);
  const [bucket, setBucket] = useState<ConversationBucket>('queue');
  const operator = session.operator;
  const isAdmin = canConfigure(operator.role);

  const openId = route.page === 'workspace' ? route.conversationId : undefined;
  const { open } = workspace;
  useEffect(() => open(openId), [open, openId]);

  const counts = useMemo(() => {
    const byId = workspace.state.conversations;
    return {
      queue: selectBucket(byId, 'queue', operator.id).length,
      mine: selectBucket(byId, 'mine', operator.id).length,
      closed: selectBucket(byId, 'closed', operator.id).length,
    };
  }, [workspace.state.conversations, operator.id]);

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Parley
        </div>
        <nav className="nav-section" aria-label="Conversations">
          <div className="nav-title" data-testid="inbox-scope">
            {actsOnAllLines(operator.role) ? 'Inbox · all lines' : 'Inbox · my lines'}
          </div>
          {buckets.map(({ bucket: b, label }) => (
            <button
              key={b}
              type="button"
              className={`nav-item${route.page === 'workspace' && bucket === b ? ' active' : ''}`}
              onClick={() => {
                setBucket(b);
                if (route.page !== 'workspace') navigate({ page: 'workspace' });
              }}
              data-testid={`nav-${b}`}
            >
              <span>{label}</span>
              {b !== 'closed' && counts[b] > 0 && (
                <span className={`count${b === 'queue' ? ' count-attention' : ''}`} data-testid={`${b}-count`}>
                  {counts[b]}
                </span>
              )}
            </button>
          ))}
        </nav>
        {isAdmin && (
          <nav className="nav-section" aria-label="Administration" data-testid="admin-nav">
            <div className="nav-title">Admin</div>
            <a className={`nav-item${route.page === 'operators' ? ' active' : ''}`} href="#/admin/operators" data-testid="nav-operators">
              Operators
            </a>
            <a
              className={`nav-item${route.page === 'lines' || route.page === 'channels' ? ' active' : ''}`}
              href="#/admin/lines"
              data-testid="nav-lines"
            >
              Lines &amp; channels
            </a>
          </nav>
        )}
        <div className="sidebar-footer">
          <ConnectionStatus state={workspace.connection} />
          <div className="whoami" data-testid="current-operator">
            <strong>{operator.name}</strong>
            <span className="muted small">
              {operator.email} · {roleLabels[operator.role]}
            </span>
          </div>
          <button type="button" className="button ghost small" onClick={onLogout} data-testid="logout-button">
            Sign out
          </button>
        </div>
      </aside>
      <main className="content">
        {route.page === 'workspace' && <WorkspacePage workspace={workspace} bucket={bucket} openId={openId} />}
        {route.page !== 'workspace' && !isAdmin && (
          <div className="empty-state" data-testid="admin-forbidden">
            Only administrators can manage operators, lines and channels.
          </div>
        )}
        {isAdmin && route.page === 'operators' && <OperatorsPage />}
        {isAdmin && route.page === 'lines' && <LinesPage />}
        {isAdmin && route.page === 'channels' && <ChannelsPage lineId={route.lineId} />}
      </main>
    </div>
  );
}
