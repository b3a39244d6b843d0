/** One part of a `multipart/form-data` body. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * A small `multipart/form-data` parser (RFC 7578) for the fake's upload endpoints. Enough for what HTTP clients
 * send (axios, FormData, curl); not hardened against hostile input — it only ever runs in tests.
 */
export function parseMultipart(body: Buffer, contentTypeHeader: string | undefined): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentTypeHeader ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary || !/^multipart\/form-data/i.test(contentTypeHeader ?? '')) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    // Part = CRLF headers CRLF CRLF data CRLF
    const part = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
      if (name !== undefined) {
        parts.push({
          name,
          data: Buffer.from(part.subarray(headerEnd + 4)),
          ...(filename === undefined ? {} : { filename }),
          ...(contentType === undefined ? {} : { contentType }),
        });
      }
    }
    start = next;
  }
  return parts;
}
