/*
 * What readers are told, and the two kinds of failure behind the error messages: the Alerts API
 * answering with a problem (ApiError) and the browser saying no (UiError).
 */

export const TEXT = {
  prompt: 'Get desktop notifications for the stories you care about',
  unsupported: 'Your browser does not support desktop notifications.',
  blocked: 'Notifications are blocked for this site. To allow them, click the padlock or the site information icon ' +
    'next to the web address, open the site settings, set Notifications to "Allow", then reload this page and press Subscribe again.',
  notAllowed: 'You closed the browser\'s question without allowing notifications. Press Subscribe again and choose "Allow" ' +
    'to get them.',
  unreachable: 'the notification service could not be reached. Check your connection and try again.',
  pushServiceFailed: 'your browser could not reach its notification service. Please try again in a moment.',
  subscribed: 'Thank you. Notifications are on for this device.',
  alreadySubscribed: 'Notifications are on for this device.',
  notSubscribed: 'This device is not subscribed to notifications.',
  subscriptionGone: 'We could not find your subscription on this device. It may have been cancelled.',
  keyRejected: 'This device\'s subscription key was not accepted, so your settings cannot be changed from here. ' +
    'Please subscribe again.',
  saved: 'Your changes are saved.',
  paused: 'Notifications are paused. You will not get any until you resume them.',
  resumed: 'Notifications are on again.',
  unsubscribed: 'You have unsubscribed. You will not get notifications from us on this device any more.'
};

/** An HTTP failure from the Alerts API; detail is the problem+json detail, ready to show. status 0 = no answer. */
export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.problem = problem || null;
  }
}

/** A failure the reader must see with its own state (denied, unsupported, error). */
export class UiError extends Error {
  constructor(state, message) {
    super(message);
    this.name = 'UiError';
    this.state = state;
  }
}

/** {state, message} for any failure, with prefix before API and unexpected errors. */
export function describeFailure(error, prefix) {
  if (error instanceof UiError) return { state: error.state, message: error.message };
  if (error instanceof ApiError) return { state: 'error', message: prefix + error.detail };
  return { state: 'error', message: prefix + ((error && error.message) || 'something went wrong. Please try again.') };
}

export function isAuthFailure(error) {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export function isGone(error) {
  return error instanceof ApiError && error.status === 404;
}
