// Modal confirmation dialogs on <dialog>.showModal(): the rest of the page is inert, Tab and
// Shift+Tab cycle inside the dialog, Escape cancels, and focus returns to where it was.

import { h } from './dom.js';

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

function trapFocus(dialog, event) {
    if (event.key !== 'Tab') return;
    const focusable = [...dialog.querySelectorAll(FOCUSABLE)].filter((element) => !element.disabled);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
    }
}

/**
 * Asks for confirmation. fields lists text inputs to show ({name, label, multiline, required}).
 * Resolves to an object of the field values when confirmed, or null when cancelled.
 */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false, fields = [] }) {
    const opener = document.activeElement;
    const titleId = `dialog-title-${Date.now()}`;
    const inputs = {};

    const fieldNodes = fields.map((field) => {
        const id = `dialog-field-${field.name}`;
        const input = field.multiline
            ? h('textarea', { id, name: field.name, required: field.required, rows: 4 })
            : h('input', { id, name: field.name, type: 'text', required: field.required });
        inputs[field.name] = input;
        return [h('label', { for: id, text: field.label }), input];
    });

    const cancel = h('button', { type: 'button', class: 'button-quiet', 'data-dialog': 'cancel', text: 'Cancel' });
    const confirm = h('button', {
        type: 'submit',
        class: danger ? 'button-danger' : '',
        'data-dialog': 'confirm',
        text: confirmLabel,
    });
    const form = h('form', { method: 'dialog' },
        h('h2', { id: titleId, text: title }),
        message ? h('p', { text: message }) : null,
        fieldNodes,
        h('div', { class: 'button-row' }, confirm, cancel));
    const dialog = h('dialog', { 'aria-labelledby': titleId, class: 'confirm-dialog' }, form);

    return new Promise((resolve) => {
        let settled = false;
        const finish = (value) => {
            if (settled) return;
            settled = true;
            dialog.close();
            dialog.remove();
            if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
            resolve(value);
        };

        dialog.addEventListener('keydown', (event) => trapFocus(dialog, event));
        dialog.addEventListener('cancel', (event) => {
            event.preventDefault();
            finish(null);
        });
        cancel.addEventListener('click', () => finish(null));
        form.addEventListener('submit', (event) => {
            event.preventDefault();
            const values = {};
            for (const [name, input] of Object.entries(inputs)) values[name] = input.value;
            finish(values);
        });

        document.body.append(dialog);
        dialog.showModal();
        (fields.length > 0 ? inputs[fields[0].name] : confirm).focus();
    });
}
