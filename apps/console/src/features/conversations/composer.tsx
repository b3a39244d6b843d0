import { useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../api/client';
import { formatSize } from '../../ui/format';

interface Props {
  /** Why replying is impossible now; the composer is disabled and shows it. */
  blocker: string | undefined;
  onSend(text: string, files: readonly File[]): Promise<void>;
}

export function Composer({ blocker, onSend }: Props) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const disabled = blocker !== undefined;
  const canSend = !disabled && !sending && (text.trim().length > 0 || files.length > 0);

  async function send() {
    if (!canSend) return;
    const sentText = text.trim();
    const sentFiles = files;
    setSending(true);
    setError(undefined);
    setText('');
    setFiles([]);
    try {
      await onSend(sentText, sentFiles);
    } catch (err) {
      // Give the operator their words back so nothing is lost.
      setText(sentText);
      setFiles(sentFiles);
      setError(errorMessage(err));
    } finally {
      setSending(false);
      textArea.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <div className={`composer${disabled ? ' composer-disabled' : ''}`} data-testid="composer">
      {blocker && (
        <p className="composer-blocker" data-testid="composer-disabled-reason">
          {blocker}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      {files.length > 0 && (
        <ul className="composer-files">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="chip" data-testid="composer-attachment">
              <span>{f.name}</span>
              <span className="muted small">{formatSize(f.size)}</span>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${f.name}`}
                onClick={() => setFiles(files.filter((_, j) => j !== i))}
                data-testid="composer-attachment-remove"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="button ghost icon-button"
          disabled={disabled || sending}
          onClick={() => fileInput.current?.click()}
          title="Attach files"
          data-testid="composer-attach"
        >
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
            <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l8.6-8.6a3.7 3.7 0 015.2 5.2l-8.6 8.6a1.8 1.8 0 01-2.6-2.6l7.9-7.9" />
          </svg>
          <span className="sr-only">Attach files</span>
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          disabled={disabled}
          onChange={(e) => {
            const picked = Array.from(e.target.files ?? []);
            if (picked.length > 0) setFiles((current) => [...current, ...picked]);
            e.target.value = '';
          }}
          data-testid="composer-file-input"
        />
        <textarea
          ref={textArea}
          className="composer-input"
          rows={2}
          placeholder={disabled ? '' : 'Write a reply… (Enter sends, Shift+Enter for a new line)'}
          value={text}
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          aria-label="Reply"
          data-testid="composer-input"
        />
        <button type="button" className="button primary" disabled={!canSend} onClick={send} data-testid="composer-send">
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </div>
  );
}
