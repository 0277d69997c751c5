// Keyboard shortcuts on every page: "/" focuses the job lookup box; on a job page "j"/"k" move between files and
// "Escape" closes the open panel (the page registers itself as the target).
(function () {
    var target = null;
    window.fcShortcuts = {
        register: function (ref) { target = ref; },
        unregister: function (ref) { if (target === ref) target = null; }
    };
    window.fcClipboard = {
        copy: function (text) { return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return false; }); }
    };
    document.addEventListener('keydown', function (e) {
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        var t = e.target;
        var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
        if (e.key === 'Escape' && target) {
            if (typing && t.blur) t.blur();
            target.invokeMethodAsync('OnShortcut', 'Escape');
            return;
        }
        if (typing) return;
        if (e.key === '/') {
            var box = document.getElementById('job-lookup');
            if (box) { e.preventDefault(); box.focus(); box.select(); }
        } else if ((e.key === 'j' || e.key === 'k') && target) {
            e.preventDefault();
            target.invokeMethodAsync('OnShortcut', e.key);
        } else if ((e.key === '+' || e.key === '=' || e.key === '-') && target && document.querySelector('[data-testid=timeline]')) {
            e.preventDefault();
            target.invokeMethodAsync('OnZoomKey', e.key);
        } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && target && document.querySelector('[data-testid=timeline]')
                   && (!t || t === document.body || (t.closest && t.closest('[data-testid=timeline]')))) {
            // Arrows move a zoomed timeline only when nothing else (a tab strip, a list) has the focus.
            e.preventDefault();
            target.invokeMethodAsync('OnZoomKey', e.key);
        }
    });

    // Drag across the timeline's axis to zoom to that range: the fractions of the axis go to the page, which owns the range.
    var drag = null;
    function trackOf(el) { return el && el.closest ? el.closest('[data-testid=timeline-axis] .gantt-track') : null; }
    function fraction(track, x) { var r = track.getBoundingClientRect(); return r.width > 0 ? (x - r.left) / r.width : 0; }
    document.addEventListener('pointerdown', function (e) {
        var track = trackOf(e.target);
        if (!track || e.button !== 0) return;
        e.preventDefault();
        var band = document.createElement('div');
        band.className = 'gantt-drag';
        band.setAttribute('data-testid', 'timeline-drag');
        track.appendChild(band);
        drag = { track: track, start: fraction(track, e.clientX), band: band };
        move(e);
    });
    function move(e) {
        if (!drag) return;
        var f = Math.max(0, Math.min(1, fraction(drag.track, e.clientX)));
        var a = Math.min(drag.start, f), b = Math.max(drag.start, f);
        drag.band.style.left = (a * 100) + '%';
        drag.band.style.width = ((b - a) * 100) + '%';
        drag.end = f;
    }
    document.addEventListener('pointermove', move);
    document.addEventListener('pointerup', function (e) {
        if (!drag) return;
        move(e);
        var d = drag;
        drag = null;
        d.band.remove();
        if (target && d.end !== undefined) target.invokeMethodAsync('OnZoomDrag', d.start, d.end);
    });
})();

// New checks: the chosen file goes to the dashboard as a plain request body (not through the circuit), sized first.
(function () {
    function file(inputId) { var el = document.getElementById(inputId); return el && el.files && el.files.length ? el.files[0] : null; }
    function send(f, url, token) {
        return fetch(url + '?name=' + encodeURIComponent(f.name), {
            method: 'POST', body: f, credentials: 'same-origin',
            headers: { 'Content-Type': f.type || 'application/octet-stream', 'RequestVerificationToken': token || '' }
        }).then(function (r) {
            return r.json().then(function (j) { return { status: r.status, body: j }; }, function () { return { status: r.status, body: {} }; });
        });
    }
    window.fcChecks = {
        chosen: function (inputId) { return !!file(inputId); },
        upload: function (inputId, url, token, maxBytes) {
            var f = file(inputId);
            if (!f) return Promise.resolve({ ok: false, message: 'Choose a file to upload.', chosen: false });
            if (f.size === 0) return Promise.resolve({ ok: false, message: 'The file is empty.', chosen: true, name: f.name });
            if (f.size > maxBytes) {
                var mb = function (b) { return (b / 1048576).toFixed(1) + ' MB'; };
                return Promise.resolve({ ok: false, message: 'The file is ' + mb(f.size) + '; Filecheck takes files up to ' + mb(maxBytes) + '. Nothing was sent.', chosen: true, name: f.name });
            }
            var answer = function (res, renewed) {
                return { ok: res.status === 200 && !!res.body.fileRef, fileRef: res.body.fileRef || null, message: res.body.message || (res.status === 200 ? null : 'The upload failed (' + res.status + ').'), renewed: renewed, name: f.name, chosen: true };
            };
            return send(f, url, token).then(function (res) {
                // Credentials that ran out mid-upload are renewed once (a new request asks for new ones), then reported.
                if (res.status === 409 && res.body.expired) return send(f, url, token).then(function (again) { return answer(again, true); });
                return answer(res, false);
            }, function (e) { return { ok: false, message: 'The file could not be sent: ' + e.message, chosen: true, name: f.name }; });
        }
    };
})();
