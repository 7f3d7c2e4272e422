// The credential in an `Authorization: Bearer <token>` header (RFC 6750's
// token68 characters), for people's tokens and agent keys alike.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/** The token, or undefined when the header is missing or not of that form. */
export function bearerOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}
