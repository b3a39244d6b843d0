import type { ConnectionState } from '../../live/live-connection';

const labels: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

export function ConnectionStatus({ state }: { state: ConnectionState }) {
  return (
    <div
      className={`connection connection-${state}`}
      data-testid="connection-status"
      data-state={state}
      title={state === 'open' ? 'Receiving updates live' : 'Live updates paused; they resume automatically'}
      role="status"
    >
      <span className="dot" aria-hidden="true" />
      {labels[state]}
    </div>
  );
}
