// The share page's larger view of a proof: a click (or the Zoom button on a proof that takes pins) opens it in a dialog
// with zoom (wheel, pinch, + and − buttons or keys) and pan (drag, arrow keys); the proofs of the same round are its
// pages. The content is sized, not scaled, so the pins (placed in % of the image) keep their spot and their size.
// Without this script the proof's link opens the image full size, as before.
(() => {
    const minScale = 1, maxScale = 8, stepScale = 1.5;
    const dialog = document.querySelector('[data-zoom-dialog]');
    if (!dialog || typeof dialog.showModal !== 'function') return;
    const stage = dialog.querySelector('[data-zoom-stage]');
    const content = dialog.querySelector('[data-zoom-content]');
    const level = dialog.querySelector('[data-zoom-level]');
    const title = dialog.querySelector('[data-zoom-title]');
    const pageLabel = dialog.querySelector('[data-zoom-page]');
    const pagesBox = dialog.querySelector('[data-zoom-pages]');
    let frames = [], index = 0, opener = null;
    let scale = 1, tx = 0, ty = 0, baseW = 0, baseH = 0;
    const pointers = new Map();
    let pinch = null;

    function fit() {
        const img = content.querySelector('img');
        if (!img || !img.naturalWidth) return;
        const aspect = img.naturalHeight / img.naturalWidth;
        baseW = Math.min(stage.clientWidth, stage.clientHeight / aspect);
        baseH = baseW * aspect;
        scale = 1;
        tx = (stage.clientWidth - baseW) / 2;
        ty = (stage.clientHeight - baseH) / 2;
        apply();
    }

    // Keeps the proof on the stage: centred on an axis where it is smaller, edges within the stage where it is larger.
    function clampPan() {
        const w = baseW * scale, h = baseH * scale, sw = stage.clientWidth, sh = stage.clientHeight;
        tx = w <= sw ? (sw - w) / 2 : Math.min(0, Math.max(sw - w, tx));
        ty = h <= sh ? (sh - h) / 2 : Math.min(0, Math.max(sh - h, ty));
    }

    function apply() {
        clampPan();
        content.style.width = (baseW * scale) + 'px';
        content.style.left = tx + 'px';
        content.style.top = ty + 'px';
        level.textContent = Math.round(scale * 100) + ' %';
        dialog.dataset.scale = scale.toFixed(3);
    }

    // Zooms by a factor around a point of the stage (its centre by default), which stays under the finger or cursor.
    function zoomBy(factor, px = stage.clientWidth / 2, py = stage.clientHeight / 2) {
        const next = Math.min(maxScale, Math.max(minScale, scale * factor));
        tx = px - (px - tx) * (next / scale);
        ty = py - (py - ty) * (next / scale);
        scale = next;
        apply();
    }

    function show(i) {
        index = (i + frames.length) % frames.length;
        const frame = frames[index];
        const img = frame.querySelector('img').cloneNode();
        img.removeAttribute('loading');
        img.draggable = false;
        content.replaceChildren(img, ...[...frame.querySelectorAll('.share-pin')].filter(p => !p.hidden).map(p => p.cloneNode(true)));
        title.textContent = img.alt;
        pageLabel.textContent = `${index + 1} / ${frames.length}`;
        pagesBox.hidden = frames.length < 2;
        dialog.dataset.page = String(index + 1);
        if (img.complete && img.naturalWidth) fit();
        else img.addEventListener('load', fit, { once: true });
    }

    function open(frame) {
        opener = document.activeElement;
        frames = [...frame.parentElement.querySelectorAll('[data-zoom-ready]')];
        dialog.showModal();
        show(frames.indexOf(frame));
        stage.focus();
    }

    dialog.addEventListener('close', () => {
        content.replaceChildren();
        pointers.clear();
        if (opener && opener.isConnected) opener.focus();
    });

    dialog.addEventListener('click', e => {
        const action = e.target.closest('[data-zoom]')?.dataset.zoom;
        if (action === 'in') zoomBy(stepScale);
        else if (action === 'out') zoomBy(1 / stepScale);
        else if (action === 'fit') fit();
        else if (action === 'prev') show(index - 1);
        else if (action === 'next') show(index + 1);
        else if (action === 'close') dialog.close();
    });

    dialog.addEventListener('keydown', e => {
        if (e.target.closest('button') && (e.key === 'Enter' || e.key === ' ')) return;
        const pan = Math.max(40, stage.clientWidth * 0.1);
        const moves = { ArrowLeft: [pan, 0], ArrowRight: [-pan, 0], ArrowUp: [0, pan], ArrowDown: [0, -pan] };
        if (e.key === '+' || e.key === '=') zoomBy(stepScale);
        else if (e.key === '-' || e.key === '_') zoomBy(1 / stepScale);
        else if (e.key === '0') fit();
        else if (e.key === 'PageDown') show(index + 1);
        else if (e.key === 'PageUp') show(index - 1);
        else if (moves[e.key] && e.target === stage) { tx += moves[e.key][0]; ty += moves[e.key][1]; apply(); }
        else return;
        e.preventDefault();
    });

    stage.addEventListener('wheel', e => {
        e.preventDefault();
        const box = stage.getBoundingClientRect();
        zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
    }, { passive: false });

    // One pointer drags; two pinch (zooming around their midpoint).
    stage.addEventListener('pointerdown', e => {
        stage.setPointerCapture(e.pointerId);
        pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
        pinch = null;
    });
    stage.addEventListener('pointermove', e => {
        const last = pointers.get(e.pointerId);
        if (!last) return;
        pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
        if (pointers.size === 1) {
            tx += e.clientX - last.x;
            ty += e.clientY - last.y;
            apply();
            return;
        }
        const [a, b] = [...pointers.values()];
        const distance = Math.hypot(a.x - b.x, a.y - b.y);
        const box = stage.getBoundingClientRect();
        if (pinch && pinch > 0) zoomBy(distance / pinch, (a.x + b.x) / 2 - box.left, (a.y + b.y) / 2 - box.top);
        pinch = distance;
    });
    const lift = e => { pointers.delete(e.pointerId); pinch = null; };
    stage.addEventListener('pointerup', lift);
    stage.addEventListener('pointercancel', lift);

    function init() {
        document.querySelectorAll('.share-proof-frame').forEach(frame => {
            if (frame.dataset.zoomReady) return;
            frame.dataset.zoomReady = 'true';
            const button = frame.querySelector('[data-zoom-open]');
            if (button) {
                button.hidden = false;
                button.addEventListener('click', e => { e.preventDefault(); e.stopPropagation(); open(frame); });
            }
            // A proof that takes no pin opens larger on a click or tap; one that takes pins places a pin (share-pins.js).
            frame.querySelector('a')?.addEventListener('click', e => {
                if (frame.dataset.pinFile) return;
                e.preventDefault();
                open(frame);
            });
        });
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
