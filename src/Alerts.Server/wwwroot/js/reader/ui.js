/*
 * Building blocks of the reader interface. Text from the API is only ever set with textContent
 * (through el's "text"), never as HTML.
 */

/** Creates an element. props: className, text, dataset, on<event> listeners, other attributes. */
export function el(tag, props, children) {
  const node = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (key) {
      const value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'className') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
  }
  [].concat(children === undefined ? [] : children).forEach(function (child) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  });
  return node;
}

/** Marks a part of the page busy: aria-busy on it, its buttons aria-disabled until it is done. */
export function setBusy(element, busy) {
  element.setAttribute('aria-busy', busy ? 'true' : 'false');
  element.querySelectorAll('button').forEach(function (b) {
    if (busy) b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
  });
}

export function button(label, props) {
  const options = props || {};
  const variant = options.variant || 'secondary';
  const attributes = Object.assign({ type: 'button' }, options, { className: 'alerts-button alerts-button--' + variant, text: label });
  delete attributes.variant;
  return el('button', attributes);
}

/** A link for a URL target, a link-styled button for a function target (alerts.js switches views in place). */
export function linkOrButton(target, label) {
  if (!target) return null;
  if (typeof target === 'function') return button(label, { variant: 'link', onclick: target });
  return el('a', { href: target, text: label });
}

/** The live status line: #status-message, role=status, with data-state for tests and styling. */
export function createStatus() {
  const text = el('span', { className: 'alerts-status__text' });
  const action = el('span', { className: 'alerts-status__action' });
  const element = el('div', {
    id: 'status-message', className: 'alerts-status', role: 'status', 'aria-live': 'polite', tabindex: '-1'
  }, [text, action]);
  return {
    element: element,
    set: function (state, message, actionNode) {
      element.setAttribute('data-state', state);
      text.textContent = message;
      action.replaceChildren.apply(action, actionNode ? [' ', actionNode] : []);
    },
    clear: function () {
      element.removeAttribute('data-state');
      text.textContent = '';
      action.replaceChildren();
    },
    state: function () {
      return element.getAttribute('data-state');
    }
  };
}
