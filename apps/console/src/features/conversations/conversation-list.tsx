import type { Conversation } from '../../api/types';
import { routeHref } from '../../routing/routes';
import type { ConversationBucket } from '../../state/conversation-list';
import { Avatar, ChannelBadge } from '../../ui/avatar';
import { formatListTime } from '../../ui/format';

interface Props {
  bucket: ConversationBucket;
  items: readonly Conversation[];
  selectedId: string | undefined;
  emptyText: string;
}

export function ConversationList({ bucket, items, selectedId, emptyText }: Props) {
  if (items.length === 0) {
    return (
      <p className="list-empty muted" data-testid="conversation-list-empty">
        {emptyText}
      </p>
    );
  }
  return (
    <ul className="conversation-list" data-testid="conversation-list">
      {items.map((c) => (
        <li key={c.id}>
          <ConversationListItem bucket={bucket} conversation={c} selected={c.id === selectedId} />
        </li>
      ))}
    </ul>
  );
}

export function contactName(c: Conversation): string {
  return c.contact?.displayName ?? 'Customer';
}

function ConversationListItem({ bucket, conversation: c, selected }: { bucket: ConversationBucket; conversation: Conversation; selected: boolean }) {
  return (
    <a
      className={`conversation-item${selected ? ' selected' : ''}`}
      href={routeHref({ page: 'workspace', conversationId: c.id })}
      data-testid={`${bucket}-item`}
      data-conversation-id={c.id}
      data-status={c.status}
      aria-current={selected ? 'true' : undefined}
    >
      <Avatar name={contactName(c)} url={c.contact?.avatarUrl} />
      <span className="item-body">
        <span className="item-top">
          <span className="item-name" data-testid="conversation-contact-name">
            {contactName(c)}
          </span>
          <time className="item-time muted small" dateTime={c.lastMessageAt}>
            {formatListTime(c.lastMessageAt)}
          </time>
        </span>
        <span className="item-bottom">
          <ChannelBadge type={c.channelType} />
          {c.blocked && <span className="badge badge-danger">Blocked</span>}
          <span className="item-preview muted" data-testid="conversation-preview">
            {c.lastMessagePreview || 'No messages yet'}
          </span>
        </span>
      </span>
    </a>
  );
}
