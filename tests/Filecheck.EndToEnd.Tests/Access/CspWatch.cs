using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Access;

/// <summary>Collects every Content-Security-Policy violation a page reports, from its DOM events and its console.</summary>
public sealed class CspWatch
{
    private readonly List<string> _console = [];
    private readonly IPage _page;

    private CspWatch(IPage page) => _page = page;

    public static async Task<CspWatch> AttachAsync(IPage page)
    {
        var watch = new CspWatch(page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (watch._console) watch._console.Add(message.Text);
            }
        };
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e =>
                window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
            """);
        return watch;
    }

    /// <summary>Violations on the current document and in the console so far.</summary>
    public async Task<IReadOnlyList<string>> ViolationsAsync()
    {
        var fromDom = await _page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        lock (_console) return [.. fromDom, .. _console];
    }
}
