import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { ContactDetails, Conversation } from '../../api/types';
import { routeHref } from '../../routing/routes';
import { Avatar, ChannelBadge } from '../../ui/avatar';
import { formatListTime } from '../../ui/format';

const statusLabels: Record<Conversation['status'], string> = { queued: 'Queued', assigned: 'Assigned', closed: 'Closed' };

/** The contact of the open conversation: profile, messenger identities and their other conversations. */
export function ContactCard({ conversation }: { conversation: Conversation }) {
  const { api } = useApi();
  const [contact, setContact] = useState<ContactDetails | undefined>();
  const [error, setError] = useState<string | undefined>();
  const contactId = conversation.contactId;
  // Refetch when something visible about the contact may have changed (profile update, a conversation reopened).
  const refreshKey = `${conversation.status}|${conversation.contact?.displayName ?? ''}|${conversation.contact?.avatarUrl ?? ''}`;

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    api
      .getContact(contactId)
      .then((details) => {
        if (!cancelled) setContact(details);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(errorMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, [api, contactId, refreshKey]);

  const shown = contact && contact.id === contactId ? contact : undefined;
  const name = conversation.contact?.displayName ?? shown?.displayName ?? 'Customer';
  const avatarUrl = conversation.contact?.avatarUrl ?? shown?.avatarUrl;
  const others = (shown?.conversations ?? []).filter((c) => c.id !== conversation.id);

  return (
    <aside className="contact-card" data-testid="contact-card" data-contact-id={contactId}>
      <div className="contact-head">
        <Avatar name={name} url={avatarUrl} size={64} />
        <h3 data-testid="contact-name">{name}</h3>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <section>
        <h4>Identities</h4>
        {shown ? (
          <ul className="plain-list">
            {shown.identities.map((i) => (
              <li key={`${i.channelId}:${i.externalUserId}`} className="identity" data-testid="contact-identity">
                <ChannelBadge type={i.channelType} />
                <span className="mono">{i.channelType === 'vk' ? `id${i.externalUserId}` : i.externalUserId}</span>
              </li>
            ))}
          </ul>
        ) : (
          !error && <p className="muted small">Loading…</p>
        )}
      </section>
      <section>
        <h4>Other conversations</h4>
        {shown && others.length === 0 && <p className="muted small">None.</p>}
        <ul className="plain-list">
          {others.map((c) => (
            <li key={c.id}>
              <a className="contact-conversation" href={routeHref({ page: 'workspace', conversationId: c.id })} data-testid="contact-conversation" data-conversation-id={c.id}>
                <span className="item-top">
                  <span className={`badge badge-status badge-${c.status}`}>{statusLabels[c.status]}</span>
                  <time className="muted small" dateTime={c.lastMessageAt}>
                    {formatListTime(c.lastMessageAt)}
                  </time>
                </span>
                <span className="muted small item-preview">{c.lastMessagePreview || 'No messages'}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
