// The share page while a corrected file is checked: asks every few seconds (from the store, never Filecheck) whether the
// check is done, then says so in the status line with a link that shows the new round. It never reloads by itself: the
// customer may be writing. Without this script the page's "reload the page" link does the same.
(() => {
    const every = 4000, most = 900;
    for (const line of document.querySelectorAll('[data-corrected-poll]')) {
        let asked = 0;
        const look = async () => {
            asked++;
            try {
                const answer = await fetch(line.dataset.correctedPoll, { credentials: 'same-origin', cache: 'no-store' });
                if (answer.ok && !(await answer.json()).checking) {
                    const show = document.createElement('a');
                    const file = line.closest('[id^="file-"]');
                    show.href = location.pathname + (file ? '#' + file.id : '');
                    show.textContent = 'Show it';
                    // The same address with a new fragment would not load again: reload, then the browser keeps the place.
                    show.addEventListener('click', e => { e.preventDefault(); location.hash = show.hash; location.reload(); });
                    line.replaceChildren('The check of your corrected file is done. ', show);
                    return;
                }
            } catch {
                // A network blip: the next look tries again.
            }
            if (asked < most) setTimeout(look, every);
        };
        setTimeout(look, every);
    }
})();
