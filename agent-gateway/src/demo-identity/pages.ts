// The embedded provider's HTML: the code page, the confirmation, the sign-in
// form and the end pages. Plain forms with no script or outside fonts, so that
// a terminal browser, a test or the demo script can fill them in.
import { DEMO_USERS } from './demo-users.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28em;margin:3em auto;padding:0 1em}input,button{font-size:1em;padding:.4em;margin:.2em 0;width:100%;box-sizing:border-box}code{font-size:1.4em}.error{color:#b00020}.hint{color:#555;font-size:.9em}</style>
</head><body><h1>${escape(title)}</h1>
${body}
<p class="hint">Sonde's embedded demo identity provider: for the demo on this machine only. In production the gateway points at Keycloak.</p>
</body></html>`;
}

export const codeInputPage = (form: string, error: string | undefined) =>
  page('Sonde sign-in', `${error ? `<p class="error">${escape(error)}</p>` : '<p>Enter the code your editor or terminal shows.</p>'}
${form.replace('</form>', '<button type="submit">Continue</button></form>')}`);

export const codeConfirmPage = (form: string, clientId: string, userCode: string) =>
  page('Confirm the sign-in', `<p><strong>${escape(clientId)}</strong> asks to act as you. It shows this code:</p>
<p><code>${escape(userCode)}</code></p>
<p>Continue only if it is the code your editor or terminal shows.</p>
${form.replace('</form>', '<button type="submit">Continue</button></form>')}
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Deny</button>`);

export function loginPage(action: string, error?: string): string {
  const users = DEMO_USERS.map((u) => `<code>${escape(u.name)}</code> / <code>${escape(u.password)}</code> (${escape(u.roles.join(', '))})`).join('<br>');
  return page('Sign in to Sonde', `${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}">
<label>User name <input name="username" id="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<button type="submit" id="sign-in">Sign in</button>
</form>
<p class="hint">Demo users: ${users}</p>`);
}

export const successPage = () => page('Signed in', '<p>Device login successful: you can close this page and go back to your editor or terminal.</p>');

export const errorPage = (message: string) => page('Sign-in failed', `<p class="error">${escape(message)}</p>`);
