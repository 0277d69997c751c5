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
        }
    });
})();
