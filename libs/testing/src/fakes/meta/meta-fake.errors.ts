import { randomBytes } from 'node:crypto';

/** Graph API errors the fake answers, with Meta's messages (developers.facebook.com … error-codes / send-api). */
const messages: Readonly<Record<string, string>> = {
  '1': 'An unknown error has occurred.',
  '2': 'An unexpected error has occurred. Please retry your request later.',
  '10/2018278': '(#10) This message is sent outside of allowed window.',
  '100': '(#100) Invalid parameter',
  '100/33': 'Unsupported get request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation.',
  '100/2018001': '(#100) No matching user found',
  '100/2018047': '(#100) Upload attachment failure.',
  '190': 'Invalid OAuth access token - Cannot parse access token',
  '200': '(#200) The HUMAN_AGENT tag requires the human_agent permission',
  '551/1545041': 'This person isn\'t available right now.',
  '613': '(#613) Calls to this api have exceeded the rate limit.',
  '2635': '(#2635) You are calling a deprecated version of the Graph API.',
};

export type GraphErrorType = 'OAuthException' | 'GraphMethodException';

/** Graph's error body: `{error:{message,type,code,error_subcode,fbtrace_id}}`. */
export interface GraphErrorBody {
  error: { message: string; type: GraphErrorType; code: number; error_subcode?: number; fbtrace_id: string };
}

/** Thrown by the fake's handlers; the server answers it as Graph does (HTTP 400 unless said otherwise). */
export class GraphApiError extends Error {
  constructor(
    readonly code: number,
    readonly subcode?: number,
    message?: string,
    readonly status = code === 1 || code === 2 ? 500 : 400,
  ) {
    super(message ?? messages[subcode === undefined ? String(code) : `${code}/${subcode}`] ?? messages[String(code)] ?? 'An unknown error has occurred.');
    this.name = 'GraphApiError';
  }

  body(): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: this.code === 100 && this.subcode === 33 ? 'GraphMethodException' : 'OAuthException',
        code: this.code,
        ...(this.subcode === undefined ? {} : { error_subcode: this.subcode }),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    };
  }
}
