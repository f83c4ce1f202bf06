/*
 * The Alerts HTTP API as the reader side calls it: same-origin on the reader pages, across origins
 * (CORS, no credentials) from alerts.js on a publisher's site. Failures arrive as ApiError with the
 * problem+json detail, ready to show.
 */
import { ApiError, TEXT } from './messages.js';
import { originOf } from './urls.js';

function fallbackDetail(status) {
  if (status === 401 || status === 403) return 'this device\'s subscription key was not accepted.';
  if (status === 404) return 'the subscription no longer exists.';
  if (status === 409) return 'this browser is already registered under another subscription.';
  if (status === 429) return 'there have been too many requests from your network. Please wait a minute and try again.';
  if (status >= 500) return 'the notification service is having trouble. Please try again shortly.';
  return 'the notification service answered with an error (' + status + ').';
}

async function problemFrom(response) {
  let problem = null;
  try {
    const type = response.headers.get('Content-Type') || '';
    if (type.indexOf('json') !== -1) problem = await response.json();
  } catch (e) {
    problem = null;
  }
  let detail = problem && typeof problem.detail === 'string' && problem.detail.trim() ? problem.detail.trim() : '';
  const fieldMessages = [];
  if (problem && problem.errors && typeof problem.errors === 'object') {
    Object.keys(problem.errors).forEach(function (field) {
      const messages = [].concat(problem.errors[field]).filter(function (m) { return typeof m === 'string'; });
      messages.forEach(function (message) { fieldMessages.push(field + ': ' + message); });
    });
  }
  if (fieldMessages.length && detail.indexOf(fieldMessages[0]) === -1) {
    detail = (detail ? detail.replace(/\.?$/, '. ') : '') + fieldMessages.join('; ');
  }
  if (!detail && problem && typeof problem.title === 'string' && problem.title.trim()) detail = problem.title.trim();
  return new ApiError(response.status, detail || fallbackDetail(response.status), problem);
}

/** The Alerts HTTP API at apiBase (an origin). */
export function createApi(apiBase) {
  const base = originOf(apiBase) || String(apiBase).replace(/\/+$/, '');

  async function request(method, path, options) {
    const settings = options || {};
    const headers = { Accept: 'application/json, application/problem+json' };
    if (settings.body !== undefined) headers['Content-Type'] = 'application/json';
    if (settings.token) headers.Authorization = 'Bearer ' + settings.token;
    let response;
    try {
      response = await fetch(base + path, {
        method: method,
        headers: headers,
        body: settings.body === undefined ? undefined : JSON.stringify(settings.body),
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store'
      });
    } catch (e) {
      throw new ApiError(0, TEXT.unreachable);
    }
    if (!response.ok) throw await problemFrom(response);
    if (response.status === 204) return null;
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ApiError(response.status, 'the notification service sent an answer we could not read.');
    }
  }

  function subscriptionPath(id) {
    return '/api/subscriptions/' + encodeURIComponent(id);
  }

  return {
    base: base,
    vapidPublicKey: function () {
      return request('GET', '/api/vapid-public-key').then(function (answer) {
        if (!answer || typeof answer.publicKey !== 'string' || !answer.publicKey) {
          throw new ApiError(200, 'the notification service did not send its public key.');
        }
        return answer.publicKey;
      });
    },
    sections: function () {
      return request('GET', '/api/sections').then(function (list) {
        return (Array.isArray(list) ? list : []).filter(function (s) {
          return s && typeof s.id === 'string' && s.id;
        }).map(function (s) {
          return { id: s.id, name: typeof s.name === 'string' && s.name ? s.name : s.id };
        });
      });
    },
    articles: function (query) {
      const params = new URLSearchParams();
      if (query && query.section) params.set('section', query.section);
      params.set('limit', String((query && query.limit) || 30));
      return request('GET', '/api/articles?' + params.toString()).then(function (list) {
        return Array.isArray(list) ? list : [];
      });
    },
    digest: function (id) {
      return request('GET', '/api/digests/' + encodeURIComponent(id));
    },
    createSubscription: function (body) {
      return request('POST', '/api/subscriptions', { body: body });
    },
    getSubscription: function (id, token) {
      return request('GET', subscriptionPath(id), { token: token });
    },
    updateSubscription: function (id, token, body) {
      return request('PUT', subscriptionPath(id), { token: token, body: body });
    },
    deleteSubscription: function (id, token) {
      return request('DELETE', subscriptionPath(id), { token: token });
    },
    muteSection: function (id, token, section, hours) {
      return request('POST', subscriptionPath(id) + '/mutes', { token: token, body: { section: section, hours: hours } });
    },
    liftMute: function (id, token, section) {
      return request('DELETE', subscriptionPath(id) + '/mutes/' + encodeURIComponent(section), { token: token });
    }
  };
}
