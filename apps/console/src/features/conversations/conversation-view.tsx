import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Conversation } from '../../api/types';
import { mayClose } from '../../auth/roles';
import type { MessageListState } from '../../state/message-list';
import { ChannelBadge } from '../../ui/avatar';
import type { Workspace } from '../workspace/use-workspace';
import { Composer } from './composer';
import { contactName } from './conversation-list';
import { replyBlocker } from './reply-blocker';
import { MessageBubble } from './message-bubble';

interface Props {
  conversation: Conversation;
  messages: MessageListState | undefined;
  workspace: Workspace;
}

const statusLabels: Record<Conversation['status'], string> = { queued: 'In queue', assigned: 'Assigned', closed: 'Closed' };

export function ConversationView({ conversation: c, messages, workspace }: Props) {
  const { session } = useApi();
  const me = session.operator.id;
  const [busy, setBusy] = useState<'accept' | 'close' | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  const bottom = useRef<HTMLDivElement>(null);
  const count = messages?.messages.length ?? 0;

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [count]);

  async function run(action: 'accept' | 'close') {
    setBusy(action);
    setActionError(undefined);
    try {
      await (action === 'accept' ? workspace.accept(c.id) : workspace.close(c.id));
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  }

  const assignedToOther = c.status === 'assigned' && c.assigneeId !== me;

  return (
    <div className="conversation" data-testid="conversation-view" data-conversation-id={c.id} data-status={c.status}>
      <header className="conversation-header">
        <div className="conversation-title">
          <h2 data-testid="conversation-title">{contactName(c)}</h2>
          <ChannelBadge type={c.channelType} />
          <span className={`badge badge-status badge-${c.status}`} data-testid="conversation-status">
            {statusLabels[c.status]}
            {assignedToOther ? ' to another operator' : c.status === 'assigned' ? ' to you' : ''}
          </span>
        </div>
        <div className="conversation-actions">
          {c.status === 'queued' && (
            <button type="button" className="button primary" disabled={busy !== undefined} onClick={() => run('accept')} data-testid="accept-button">
              {busy === 'accept' ? 'Accepting…' : 'Accept'}
            </button>
          )}
          {mayClose(c, session.operator) && (
            <button type="button" className="button" disabled={busy !== undefined} onClick={() => run('close')} data-testid="close-button">
              {busy === 'close' ? 'Closing…' : 'Close'}
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p className="error banner-error" role="alert" data-testid="action-error">
          {actionError}
        </p>
      )}
      {c.blocked && (
        <div className="banner banner-danger" role="alert" data-testid="blocked-banner">
          The customer blocked messages from this channel; replies are refused.
        </div>
      )}
      <div className="message-list" data-testid="message-list" aria-live="polite">
        {!messages?.loaded && count === 0 && <p className="muted center">Loading history…</p>}
        {messages?.loaded && count === 0 && <p className="muted center">No messages yet.</p>}
        {messages?.messages.map((m) => (
          <MessageBubble key={m.id} message={m} me={me} token={session.token} contactName={contactName(c)} channelType={c.channelType} />
        ))}
        <div ref={bottom} />
      </div>
      <Composer
        key={c.id}
        blocker={replyBlocker(c, me)}
        onSend={(text, files) => workspace.reply(c.id, text, files)}
      />
    </div>
  );
}
