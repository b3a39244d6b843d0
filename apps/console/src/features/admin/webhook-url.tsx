import { useState } from 'react';

/** The webhook URL to paste into the messenger, with a copy button. */
export function WebhookUrl({ url, compact = false }: { url: string; compact?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context; the operator can still select the text.
      setCopied('failed');
    }
  }

  return (
    <div className={`webhook${compact ? ' webhook-compact' : ''}`}>
      <code className="webhook-url" data-testid="channel-webhook-url" onClick={(e) => window.getSelection()?.selectAllChildren(e.currentTarget)}>
        {url}
      </code>
      <button type="button" className="button small" onClick={copy} data-testid="channel-webhook-copy">
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' && <span className="muted small">Select the address and copy it by hand.</span>}
    </div>
  );
}
