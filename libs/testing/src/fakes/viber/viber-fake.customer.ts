import type { ViberFakeStore } from './viber-fake.store';
import { VIBER_TINY_PNG } from './viber-fake.store';
import type { CustomerMessageInput, ViberInMessage } from './viber-fake.types';

/** Turns what a test gives into the `message` object of a `message` callback, storing media on the fake. */
export function customerMessage(store: ViberFakeStore, input: CustomerMessageInput, trackingData?: string): ViberInMessage {
  const tracking = trackingData === undefined ? {} : { tracking_data: trackingData };
  switch (input.type) {
    case 'text':
      return { type: 'text', text: input.text, ...tracking };
    case 'picture': {
      const bytes = input.bytes ?? VIBER_TINY_PNG;
      const name = input.fileName ?? 'photo.jpg';
      const media = store.putMedia(bytes, input.mime ?? 'image/jpeg', name);
      return { type: 'picture', text: input.text ?? '', media, thumbnail: media, file_name: name, size: bytes.length, ...tracking };
    }
    case 'video': {
      const media = store.putMedia(input.bytes, 'video/mp4', input.fileName ?? 'video.mp4');
      const thumbnail = store.putMedia(VIBER_TINY_PNG, 'image/png', 'thumb.png');
      return { type: 'video', media, thumbnail, size: input.bytes.length, duration: input.duration ?? 3, ...tracking };
    }
    case 'file': {
      const media = store.putMedia(input.bytes, input.mime ?? 'application/octet-stream', input.fileName);
      return { type: 'file', media, file_name: input.fileName, size: input.bytes.length, ...tracking };
    }
    case 'sticker': {
      const media = store.putMedia(input.bytes ?? VIBER_TINY_PNG, 'image/png', `sticker-${input.stickerId}.png`);
      return { type: 'sticker', sticker_id: input.stickerId, media, ...tracking };
    }
    case 'contact':
      return { type: 'contact', contact: { name: input.name, phone_number: input.phoneNumber }, ...tracking };
    case 'location':
      return {
        type: 'location',
        location: { lat: input.lat, lon: input.lon, ...(input.address === undefined ? {} : { address: input.address }) },
        ...tracking,
      };
    case 'url':
      return { type: 'url', media: input.url, ...tracking };
  }
}
