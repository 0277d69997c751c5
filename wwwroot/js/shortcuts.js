// Keyboard shortcuts that work on every page: "/" focuses the job lookup box.
(function () {
    document.addEventListener('keydown', function (e) {
        if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
        var t = e.target;
        var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
        if (typing) return;
        var box = document.getElementById('job-lookup');
        if (box) {
            e.preventDefault();
            box.focus();
            box.select();
        }
    });
})();
