// Build DOM from data without ever parsing it as HTML: every string becomes a text node or an attribute
// value, so a customer called "<script>" is shown as written.

/** Create an element: h("td", {class: "num", "data-testid": "total"}, "1 200 ₽", childNode, [more]). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Append children (nodes, strings, numbers, nested arrays; null and false are skipped). */
export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replace everything inside an element. */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** Show or hide an element (the `hidden` attribute; CSS keeps it hidden). */
export function show(element, visible = true) {
  element.hidden = !visible;
  return element;
}

/** The element with this data-testid inside `root` (the page by default); throws when it is missing. */
export function byTestId(id, root = document) {
  const element = root.querySelector(`[data-testid="${id}"]`);
  if (!element) throw new Error(`missing element [data-testid="${id}"]`);
  return element;
}

/** True while the keyboard is typing into a field (so page shortcuts must not fire). */
export function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches("input, textarea, select"));
}
