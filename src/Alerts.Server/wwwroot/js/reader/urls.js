/* Addresses from outside (the API, the reader's storage) checked before they are used. */

/** An absolute http(s) URL as a string, or null: stories and images never link anywhere else. */
export function safeHttpUrl(value, base) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    const url = base ? new URL(value, base) : new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

export function originOf(value) {
  try {
    return new URL(value, window.location ? window.location.href : undefined).origin;
  } catch (e) {
    return null;
  }
}
