/*
 * "/notifications" (type=module entry): change, pause or cancel this device's subscription.
 */
import { createApi } from './api.js';
import { mountManage } from './manage.js';

const api = createApi(window.location.origin);
mountManage({
  api: api,
  container: document.getElementById('manage-panel'),
  workerUrl: '/sw.js',
  subscribeTarget: '/',
  headingLevel: 2
});
