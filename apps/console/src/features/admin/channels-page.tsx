import { useCallback, useState } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Channel } from '../../api/types';
import { routeHref } from '../../routing/routes';
import { ChannelBadge } from '../../ui/avatar';
import { FormError } from '../../ui/form-error';
import { useLoad } from '../../ui/use-load';
import { channelTypeMessages, commonChannelMessages } from '../../i18n/channel-messages';
import { ChannelConnectForm } from './channel-connect-form';
import { WebhookUrl } from './webhook-url';

export function ChannelsPage({ lineId }: { lineId: string }) {
  const { api } = useApi();
  const lines = useLoad(useCallback(() => api.listLines(), [api]));
  const channels = useLoad(useCallback(() => api.listChannels(lineId), [api, lineId]));
  const [connected, setConnected] = useState<Channel | undefined>();
  const line = lines.data?.find((l) => l.id === lineId);

  const replace = (channel: Channel) => channels.setData((list) => (list ?? []).map((c) => (c.id === channel.id ? channel : c)));

  return (
    <div className="admin-page" data-testid="channels-page">
      <header className="page-header">
        <a href={routeHref({ page: 'lines' })} className="back-link" data-testid="back-to-lines">
          ← Lines
        </a>
        <h1>Channels of {line ? `“${line.name}”` : 'the line'}</h1>
        <p className="muted">Messages customers send to these channels land in this line’s queue.</p>
      </header>
      {connected && (
        <section className="card card-highlight" data-testid="channel-connected">
          <h2>“{connected.name}” is connected</h2>
          {channelTypeMessages(connected.type).webhookHint && (
            <>
              <p>{channelTypeMessages(connected.type).webhookHint}</p>
              <WebhookUrl url={connected.webhookUrl} />
            </>
          )}
          {connected.customerLink && <CustomerLink link={connected.customerLink} />}
        </section>
      )}
      <div className="admin-grid">
        <section className="card">
          <h2>Channels</h2>
          <FormError message={channels.error} testId="channels-error" />
          {channels.loading && !channels.data && <p className="muted">Loading…</p>}
          {channels.data && channels.data.length === 0 && <p className="muted">{commonChannelMessages().listHint}</p>}
          <ul className="plain-list">
            {channels.data?.map((c) => (
              <ChannelRow
                key={c.id}
                channel={c}
                onChanged={replace}
                onDeleted={() => {
                  channels.setData((list) => (list ?? []).filter((x) => x.id !== c.id));
                  if (connected?.id === c.id) setConnected(undefined);
                }}
              />
            ))}
          </ul>
        </section>
        <ChannelConnectForm
          lineId={lineId}
          onConnected={(channel) => {
            setConnected(channel);
            channels.setData((list) => [...(list ?? []).filter((c) => c.id !== channel.id), channel]);
          }}
        />
      </div>
    </div>
  );
}

function ChannelRow({ channel: c, onChanged, onDeleted }: { channel: Channel; onChanged(c: Channel): void; onDeleted(): void }) {
  const { api } = useApi();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(c.name);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [showUrl, setShowUrl] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const active = c.status === 'active';
  return (
    <li className="channel-row" data-testid="channel-row" data-channel-id={c.id} data-status={c.status}>
      <div className="line-summary">
        <div>
          {renaming ? (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                run(async () => {
                  onChanged(await api.updateChannel(c.id, { name: name.trim() }));
                  setRenaming(false);
                });
              }}
            >
              <input value={name} required onChange={(e) => setName(e.target.value)} aria-label="Channel name" data-testid="channel-rename-input" />
              <button type="submit" className="button small primary" disabled={busy} data-testid="channel-rename-save">
                Save
              </button>
              <button type="button" className="button small ghost" onClick={() => setRenaming(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <strong data-testid="channel-name">{c.name}</strong>
          )}
          <div className="channel-meta small">
            <ChannelBadge type={c.type} />
            <span className="muted">
              {channelTypeMessages(c.type).externalIdLabel} {c.externalId}
            </span>
            <span className={`badge ${active ? 'badge-ok' : 'badge-muted'}`} data-testid="channel-status">
              {active ? 'Active' : 'Disconnected'}
            </span>
            {c.health && c.health !== 'healthy' && (
              <span className="badge badge-danger" data-testid="channel-health" title={c.healthReason}>
                {c.health === 'degraded' ? 'Degraded' : 'Deactivated'}
                {c.healthReason ? `: ${c.healthReason}` : ''}
              </span>
            )}
          </div>
        </div>
        <div className="row-actions">
          <label className="switch" title={active ? 'Disconnect: stop receiving and sending' : 'Activate: missed messages of the last 24 h are fetched'}>
            <input
              type="checkbox"
              checked={active}
              disabled={busy}
              onChange={() => run(async () => onChanged(await api.updateChannel(c.id, { active: !active })))}
              data-testid="channel-toggle"
            />
            <span>{active ? 'Active' : 'Disconnected'}</span>
          </label>
          <button type="button" className="button small ghost" onClick={() => setShowUrl(!showUrl)} data-testid="channel-show-webhook">
            Webhook
          </button>
          {!renaming && (
            <button
              type="button"
              className="button small"
              onClick={() => {
                setName(c.name);
                setRenaming(true);
              }}
              data-testid="channel-rename-button"
            >
              Rename
            </button>
          )}
          <button type="button" className="button small danger" onClick={() => setConfirmDelete(true)} data-testid="channel-delete">
            Delete
          </button>
        </div>
      </div>
      {showUrl && <WebhookUrl url={c.webhookUrl} compact />}
      {c.customerLink && <CustomerLink link={c.customerLink} />}
      {confirmDelete && (
        <div className="confirm" role="alertdialog" aria-label="Delete channel" data-testid="channel-delete-dialog">
          <span>
            Delete “{c.name}”? Customers of this community will no longer reach Parley. Past conversations stay.
          </span>
          <button
            type="button"
            className="button small danger"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await api.deleteChannel(c.id);
                onDeleted();
              })
            }
            data-testid="channel-delete-confirm"
          >
            Delete channel
          </button>
          <button type="button" className="button small ghost" onClick={() => setConfirmDelete(false)} data-testid="channel-delete-cancel">
            Cancel
          </button>
        </div>
      )}
      <FormError message={error} testId="channel-error" />
    </li>
  );
}

/** The link to put on the company's site so customers open a chat with the bot (Viber's deep link). */
function CustomerLink({ link }: { link: string }) {
  return (
    <p className="muted" data-testid="channel-customer-link">
      Link for your site: <a href={link}>{link}</a>
    </p>
  );
}
