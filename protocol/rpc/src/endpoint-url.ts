// A gateway's base URL (http, https, ws or wss, possibly under a path) turned
// into the WebSocket URL of one of its endpoints.

export type EndpointPath = '/v1/agent' | '/v1/client';

/** `http://h:p/base/` + `/v1/client` → `ws://h:p/base/v1/client`. Throws an Error that says what is wrong with the URL. */
export function endpointUrl(baseUrl: string, path: EndpointPath): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`gateway URL "${baseUrl}" is not a URL; give the gateway's base URL, e.g. http://127.0.0.1:8790`);
  }
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new Error(`gateway URL "${baseUrl}" has scheme ${url.protocol}; use http, https, ws or wss`);
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url.toString();
}
