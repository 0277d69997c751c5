// The share page without a circuit: a click, a tap or the arrow keys on a proof place a pin; its position (fractions of
// the image, 0..1) goes into the comment form's hidden fields, which post as a normal form. Without this script the
// same form takes a comment on a whole proof.
(() => {
    const step = 0.02;
    const clamp = v => Math.min(1, Math.max(0, v));

    function formOf(file) {
        return document.querySelector(`form[data-comment-file="${file}"]`);
    }

    function place(frame, x, y) {
        const form = formOf(frame.dataset.pinFile);
        if (!form) return;
        // One draft pin per file: the last spot chosen.
        document.querySelectorAll(`[data-pin-file="${frame.dataset.pinFile}"] [data-pin-draft]`).forEach(d => { d.hidden = true; });
        const draft = frame.querySelector('[data-pin-draft]');
        frame.dataset.x = x;
        frame.dataset.y = y;
        draft.style.left = (x * 100).toFixed(3) + '%';
        draft.style.top = (y * 100).toFixed(3) + '%';
        draft.hidden = false;
        form.querySelector('[data-pin-x]').value = x.toFixed(4);
        form.querySelector('[data-pin-y]').value = y.toFixed(4);
        form.querySelector('[data-pin-proof]').value = frame.dataset.proof;
        const hint = form.querySelector('[data-pin-hint]');
        if (hint) hint.textContent = `Pin ${draft.textContent} is on proof ${frame.dataset.proof}, ${Math.round(x * 100)} % across and ${Math.round(y * 100)} % down. Write what should change there.`;
    }

    function init() {
        document.querySelectorAll('[data-pin-file]').forEach(frame => {
            if (frame.dataset.pinReady) return;
            frame.dataset.pinReady = 'true';
            frame.tabIndex = 0;
            frame.setAttribute('role', 'group');
            frame.setAttribute('aria-label', `${frame.dataset.pinLabel}: press an arrow key to place a pin, arrows move it, Enter writes the comment`);
            const link = frame.querySelector('a');
            if (link) link.tabIndex = -1;
            frame.addEventListener('click', e => {
                const img = frame.querySelector('img');
                const box = img.getBoundingClientRect();
                if (!box.width || !box.height) return;
                e.preventDefault();
                place(frame, clamp((e.clientX - box.left) / box.width), clamp((e.clientY - box.top) / box.height));
                formOf(frame.dataset.pinFile)?.querySelector('textarea')?.focus({ preventScroll: true });
            });
            frame.addEventListener('keydown', e => {
                if (e.target !== frame) return; // keys on the proof's Zoom button are the button's
                const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
                const has = frame.dataset.x !== undefined && !frame.querySelector('[data-pin-draft]').hidden;
                const x = has ? parseFloat(frame.dataset.x) : 0.5;
                const y = has ? parseFloat(frame.dataset.y) : 0.5;
                if (moves[e.key]) {
                    e.preventDefault();
                    const by = e.shiftKey ? step * 5 : step;
                    place(frame, has ? clamp(x + moves[e.key][0] * by) : x, has ? clamp(y + moves[e.key][1] * by) : y);
                } else if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    if (!has) place(frame, x, y);
                    formOf(frame.dataset.pinFile)?.querySelector('textarea')?.focus();
                }
            });
        });
        document.querySelectorAll('form[data-comment-file] [data-pin-hint]').forEach(hint => {
            if (!hint.dataset.pinReady) {
                hint.dataset.pinReady = 'true';
                hint.textContent = 'Click or tap the spot on the proof the comment is about (or focus the proof and use the arrow keys), then write it here.';
            }
        });
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
