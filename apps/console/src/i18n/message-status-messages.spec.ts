import { deliveryLabel, deliveryLabelKey } from './message-status-messages';

describe('delivery labels of a reply', () => {
  it('goes sending → sent → delivered → seen, or not delivered, in English and Russian', () => {
    expect(deliveryLabelKey('pending', undefined)).toBe('pending');
    expect(deliveryLabelKey('delivered', undefined)).toBe('sent');
    expect(deliveryLabelKey('delivered', 'delivered')).toBe('delivered');
    expect(deliveryLabelKey('delivered', 'seen')).toBe('seen');
    expect(deliveryLabelKey('failed', 'failed')).toBe('failed');
    expect(deliveryLabelKey('failed', undefined)).toBe('failed');
    expect(deliveryLabelKey('received', undefined)).toBeUndefined();
    expect(deliveryLabelKey('sent', undefined)).toBeUndefined();
    expect(['pending', 'sent', 'delivered', 'seen', 'failed'].map((k) => deliveryLabel(k as 'sent', 'en'))).toEqual(['Sending…', 'Sent', 'Delivered', 'Seen', 'Not delivered']);
    expect(deliveryLabel('seen', 'ru')).toBe('Прочитано');
    expect(deliveryLabel('sent', 'ru')).toBe('Отправлено');
  });
});
