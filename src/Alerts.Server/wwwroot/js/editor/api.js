// The Alerts API as the console calls it: the signed-in editor's API key on every request, and a
// refusal (problem+json) as an ApiError whose message is the server's detail or title.

/** Who is signed in. number changes on every sign-in and sign-out, so late answers from an old session are dropped. */
export const session = {
  number: 0,
  apiKey: null,
  me: null,
};

let keyRejected = () => {};

/** What to do when the server stops accepting the key in the middle of a session (sign the editor out). */
export function onKeyRejected(handler) {
  keyRejected = handler;
}

export class ApiError extends Error {
  constructor(status, problem, fallback) {
    const p = problem && typeof problem === 'object' ? problem : {};
    const text = (typeof p.detail === 'string' && p.detail) || (typeof p.title === 'string' && p.title) ||
      fallback || `The server answered with HTTP ${status}.`;
    super(text);
    this.name = 'ApiError';
    this.status = status;
    this.problem = p;
  }
}

export async function api(path, options = {}) {
  const { method = 'GET', json, headers = {}, signal, auth = true, signOutOn401 = true } = options;
  const key = options.key !== undefined ? options.key : session.apiKey;
  const h = new Headers({ Accept: 'application/json, application/problem+json' });
  try {
    for (const [name, value] of Object.entries(headers)) h.set(name, value);
    if (auth) h.set('Authorization', `Bearer ${key || ''}`);
  } catch {
    // Header values must be Latin-1; a key with other characters cannot be valid.
    throw new ApiError(401, null, 'That API key was not recognised.');
  }
  let body;
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }

  let response;
  try {
    response = await fetch(path, { method, headers: h, body, signal, cache: 'no-store', credentials: 'same-origin' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, null, 'Could not reach the server. Check the connection and try again.');
  }

  let data = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
  }

  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && auth && signOutOn401 && session.apiKey) keyRejected();
    throw error;
  }
  return data;
}

export function isAbort(err) {
  return err && err.name === 'AbortError';
}
