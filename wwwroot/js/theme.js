// Remembers the theme toggle for a year (a cookie the server reads on the next page load, so the first paint is right).
(function () {
    window.fcTheme = {
        remember: function (dark) {
            var value = dark ? 'dark' : 'light';
            document.cookie = 'fc-theme=' + value + '; path=/; max-age=31536000; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
            document.documentElement.setAttribute('data-theme', value);
        }
    };
})();
