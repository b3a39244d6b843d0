import { useContext, useState } from 'react';
import { ApiContext } from '../api/api-context';
import { withAccessToken } from '../api/client';
import { channelLabel, initials } from './format';

export function Avatar({ name, url, size = 36 }: { name: string; url: string | undefined; size?: number }) {
  const [broken, setBroken] = useState(false);
  const token = useContext(ApiContext)?.session.token;
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (url && !broken) {
    return <img className="avatar" src={withAccessToken(url, token)} alt="" style={style} onError={() => setBroken(true)} />;
  }
  return (
    <span className="avatar avatar-initials" style={style} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export function ChannelBadge({ type }: { type: string }) {
  return (
    <span className={`badge badge-channel badge-${type}`} data-testid="channel-badge">
      {channelLabel(type)}
    </span>
  );
}
