/*
 * The reader interface for publishers' sites: alerts.js imports this module from the Alerts origin
 * (import(), so the browser fetches it with CORS) and mounts the soft prompt, the chooser and the
 * manage form in its card. The Alerts pages use the same modules through their own entries
 * (reader/front-page.js, reader/notifications-page.js, reader/digest-page.js).
 */

// Every reader module is named here, not only the ones alerts.js calls, so the browser fetches them
// all in one round trip instead of discovering them import by import.
import './reader/subscription-db.js';
import './reader/urls.js';
import './reader/messages.js';
import './reader/preferences.js';
import './reader/push.js';

export { createApi } from './reader/api.js';
export { el } from './reader/ui.js';
export { rememberDismissal } from './reader/device-store.js';
export { mountSubscribe } from './reader/subscribe.js';
export { mountManage } from './reader/manage.js';
