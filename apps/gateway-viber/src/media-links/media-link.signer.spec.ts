import { MediaLinkSigner } from './media-link.signer';

const KEY = Buffer.alloc(32, 7).toString('base64');
const ID = '0b9c3c5e-4c1f-4c0e-9a51-3f6f0c1f2a11';

describe('MediaLinkSigner', () => {
  const signer = new MediaLinkSigner(KEY, 'https://gw.example.com/', 3600);
  const parts = (url: string) => new URL(url).pathname.split('/').slice(3);

  it('links verify until they expire, keep the file extension, and name only their attachment', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    const url = signer.link(ID, 'Фото отчёт.png', now);
    expect(url).toMatch(/^https:\/\/gw\.example\.com\/media\/viber\/0b9c3c5e-[\w-]+\/\d+\/[\w-]{43}\/[\w.-]+\.png$/);
    const [id, expires, sig] = parts(url) as [string, string, string];
    expect(signer.verify(id, expires, sig, now + 3599_000)).toEqual({ attachmentId: ID, expires: Number(expires) });
    expect(signer.verify(id, expires, sig, now + 3600_000)).toBeUndefined();
    expect(signer.verify(ID.replace('0b9c', '0b9d'), expires, sig, now)).toBeUndefined();
    expect(signer.verify(id, String(Number(expires) + 3600), sig, now)).toBeUndefined();
    expect(signer.verify(id, expires, `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`, now)).toBeUndefined();
  });

  it('another key signs differently', () => {
    const other = new MediaLinkSigner(Buffer.alloc(32, 8).toString('base64'), 'https://gw.example.com', 3600);
    const [id, expires, sig] = parts(signer.link(ID, 'a.jpg')) as [string, string, string];
    expect(other.verify(id, expires, sig)).toBeUndefined();
  });
});
