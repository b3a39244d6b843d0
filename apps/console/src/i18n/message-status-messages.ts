import { currentLocale, type Locale } from './channel-messages';

/*
 * The console's ru/en labels for a reply's delivery status in its bubble: sending → sent (the messenger accepted it)
 * → delivered (to the customer's device) → seen, or not delivered (with the reason). Delivered and seen come from the
 * messenger's receipts (Viber); other messengers stop at "sent".
 */

export type DeliveryLabelKey = 'pending' | 'sent' | 'delivered' | 'seen' | 'failed';

const labels: Readonly<Record<Locale, Readonly<Record<DeliveryLabelKey, string>>>> = {
  en: { pending: 'Sending…', sent: 'Sent', delivered: 'Delivered', seen: 'Seen', failed: 'Not delivered' },
  ru: { pending: 'Отправляется…', sent: 'Отправлено', delivered: 'Доставлено', seen: 'Прочитано', failed: 'Не доставлено' },
};

export function deliveryLabel(key: DeliveryLabelKey, locale: Locale = currentLocale()): string {
  return labels[locale][key];
}

/** Which label a reply shows: its status, refined by the messenger's receipt once there is one. */
export function deliveryLabelKey(status: string, receipt: 'delivered' | 'seen' | 'failed' | undefined): DeliveryLabelKey | undefined {
  if (status === 'failed' || receipt === 'failed') return 'failed';
  if (status === 'pending') return 'pending';
  if (status !== 'delivered') return undefined;
  return receipt ?? 'sent';
}
