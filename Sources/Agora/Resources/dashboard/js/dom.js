// Builds DOM nodes from data. Text always goes in through text nodes or textContent, so a value
// such as "<script>" is shown as those characters and never parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function setProperties(element, properties) {
    for (const [name, value] of Object.entries(properties ?? {})) {
        if (value === undefined || value === null || value === false) continue;
        if (name === 'class') {
            element.setAttribute('class', value);
        } else if (name === 'text') {
            element.textContent = String(value);
        } else if (name === 'dataset') {
            Object.assign(element.dataset, value);
        } else if (name.startsWith('on') && typeof value === 'function') {
            element.addEventListener(name.slice(2), value);
        } else if (name === 'value' || name === 'checked' || name === 'selected') {
            element[name] = value;
        } else {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    }
}

function appendChildren(element, children) {
    for (const child of children.flat(Infinity)) {
        if (child === undefined || child === null || child === false) continue;
        element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
}

/** Creates an HTML element: h('a', { href: '#/x', class: 'link' }, 'text', childNode). */
export function h(tag, properties = {}, ...children) {
    const element = document.createElement(tag);
    setProperties(element, properties);
    appendChildren(element, children);
    return element;
}

/** Creates an SVG element with the same conventions as h(). */
export function svg(tag, properties = {}, ...children) {
    const element = document.createElementNS(SVG_NS, tag);
    setProperties(element, properties);
    appendChildren(element, children);
    return element;
}

/** Appends children to element, skipping null, undefined and false (the native append() shows them as text). */
export function append(element, ...children) {
    appendChildren(element, children);
}

/** Replaces every child of element with children, skipping null, undefined and false. */
export function replaceChildren(element, ...children) {
    element.replaceChildren();
    appendChildren(element, children);
}

/** Creates a status or error message region. Set its text with showMessage(). */
export function messageRegion(role = 'status') {
    return h('div', { class: 'message', role, 'aria-live': role === 'alert' ? 'assertive' : 'polite' });
}

/** Shows text in a message region as 'ok', 'error', 'warning' or 'info'. */
export function showMessage(region, kind, text) {
    region.className = `message message-${kind}`;
    region.textContent = text;
}

export function clearMessage(region) {
    region.className = 'message';
    region.textContent = '';
}
