// The editors' console at /editor (loaded as a module): sign in with an API key, compose and
// preview an alert, send it, follow its delivery, and review recent notifications.
// Each panel is its own module under js/editor/; this file only connects them and starts.

import { restoreSession, setUpSignIn } from './editor/session.js';
import { setUpCompose } from './editor/compose.js';
import { follow, track, focusProgress, setUpProgress } from './editor/progress.js';
import { refreshHistory, setUpHistory, whenAlertChosen } from './editor/history.js';
import { setUpCorrections } from './editor/correct.js';
import { watchChartSize } from './editor/chart.js';

setUpSignIn();
setUpCompose();
setUpProgress();
setUpHistory();
// A correction, once accepted, is followed like any alert.
setUpCorrections((id, initial) => {
  track(id, initial);
  refreshHistory();
  focusProgress();
});
// Choosing a title in the history shows that alert's delivery.
whenAlertChosen(follow);
watchChartSize();
restoreSession();
