import { attachmentUrl } from '../../api/client';
import type { Attachment } from '../../api/types';
import { deliveryLabel, deliveryLabelKey } from '../../i18n/message-status-messages';
import type { ListedMessage } from '../../state/message-list';
import { channelLabel, formatMessageTime, formatSize } from '../../ui/format';

interface Props {
  message: ListedMessage;
  me: string;
  token: string;
  contactName: string;
  channelType: string;
}

function authorLabel(m: ListedMessage, me: string, contactName: string, channelType: string): string {
  switch (m.author.kind) {
    case 'contact':
      return contactName;
    case 'operator':
      return m.author.id === me ? 'You' : 'Operator';
    case 'messenger':
      return `Sent from ${channelLabel(channelType)}`;
    case 'system':
      return 'Parley';
  }
}

export function MessageBubble({ message: m, me, token, contactName, channelType }: Props) {
  const statusKey = m.direction === 'outbound' ? deliveryLabelKey(m.status, m.receipt) : undefined;
  const status = statusKey === undefined ? undefined : deliveryLabel(statusKey);
  return (
    <article
      className={`message message-${m.direction} author-${m.author.kind}${m.status === 'failed' ? ' message-failed' : ''}`}
      data-testid="conversation-message"
      data-message-id={m.id}
      data-direction={m.direction}
      data-author-kind={m.author.kind}
      data-status={m.status}
    >
      <div className="message-meta small">
        <span className="message-author" data-testid="message-author">
          {authorLabel(m, me, contactName, channelType)}
        </span>
        <time dateTime={m.sentAt}>{formatMessageTime(m.sentAt)}</time>
        {m.editedAt && (
          <span className="message-edited" data-testid="message-edited" title={m.editedAt}>
            edited
          </span>
        )}
      </div>
      <div className="message-bubble">
        {m.text && (
          <p className="message-text" data-testid="message-text">
            {m.text}
          </p>
        )}
        {m.attachments.length > 0 && (
          <div className="message-attachments">
            {m.attachments.map((a) => (
              <AttachmentView key={a.id} attachment={a} token={token} />
            ))}
          </div>
        )}
      </div>
      {status && (
        <div
          className={`message-status small status-${m.status}`}
          data-testid="message-status"
          data-status={m.status}
          data-receipt={m.receipt}
          title={m.receiptAt}
        >
          {status}
          {m.status === 'failed' && (m.failureReason || m.failureCode) && (
            <span className="failure-reason" data-testid="message-failure-reason">
              : {m.failureReason || m.failureCode}
            </span>
          )}
        </div>
      )}
    </article>
  );
}

function AttachmentView({ attachment: a, token }: { attachment: Attachment; token: string }) {
  const url = attachmentUrl(a.id, token);
  if (a.kind === 'image' || a.kind === 'sticker') {
    return (
      <a href={url} target="_blank" rel="noreferrer" className="message-image-link">
        <img className="message-image" src={url} alt={a.name} loading="lazy" data-testid="message-image" />
      </a>
    );
  }
  return (
    <a className="message-file" href={url} download={a.name} data-testid="message-file">
      <span className="file-icon" aria-hidden="true">
        ⬇
      </span>
      <span className="file-name">{a.name}</span>
      <span className="file-size muted small">{formatSize(a.size)}</span>
    </a>
  );
}
