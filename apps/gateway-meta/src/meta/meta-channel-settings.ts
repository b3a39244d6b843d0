import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { validateData } from '@parley/contracts';
import type { MetaPlatform } from './meta-webhook.types';

/** Connect settings of a Facebook page or an Instagram account, normalised to one shape. */
export class MetaChannelSettings {
  @IsString()
  @Matches(/^[0-9]{1,32}$/, { message: 'the page / account id must be digits' })
  accountId!: string;

  @IsString()
  @Length(8, 1024)
  accessToken!: string;

  @IsString()
  @Length(8, 256)
  appSecret!: string;

  @IsString()
  @Length(1, 256)
  verifyToken!: string;

  /** The app has the HUMAN_AGENT permission for this page/account: operators may answer up to 7 days. */
  @IsOptional()
  @IsBoolean()
  humanAgent?: boolean;

  /** The channel's language (quick-reply templates), e.g. `ru`, `en-GB`. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/)
  language?: string;
}

/** Facebook sends `pageId`/`pageAccessToken`, Instagram `accountId`/`accessToken`; numbers are accepted as ids. */
export function parseMetaChannelSettings(platform: MetaPlatform, raw: Record<string, unknown>): MetaChannelSettings {
  const id = platform === 'page' ? raw['pageId'] : raw['accountId'];
  const plain = {
    accountId: typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id,
    accessToken: platform === 'page' ? raw['pageAccessToken'] : raw['accessToken'],
    appSecret: raw['appSecret'],
    verifyToken: raw['verifyToken'],
    ...(raw['humanAgent'] === undefined ? {} : { humanAgent: raw['humanAgent'] }),
    ...(raw['language'] === undefined ? {} : { language: raw['language'] }),
  };
  return validateData(MetaChannelSettings, plain, 'MetaChannelSettings', 'settings');
}
