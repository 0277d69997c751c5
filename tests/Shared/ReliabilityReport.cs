using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Filecheck.Testing;

/// <summary>
/// Writes the figures of a reliability sweep (key leak, hostile API, fuzz, faults, circuit errors, load, accessibility)
/// into its own section of <c>docs/reliability.md</c>, replacing that section's last figures. A write that fails throws,
/// so the test that measured the figures fails with it; <c>test.sh</c> checks afterwards that every section was written
/// by this run (<c>FILECHECK_TEST_RUN</c>).
/// </summary>
public static partial class ReliabilityReport
{
    /// <summary>
    /// Every section the suite writes, in the order the file shows them, one per line as <c>("id", "Title"),</c>:
    /// test.sh reads the IDs from these lines and fails the run when one was not written by it.
    /// </summary>
    public static readonly IReadOnlyList<(string Id, string Title)> Sections =
    [
        ("key-leak", "Key leak"),
        ("hostile-api", "Hostile API answers"),
        ("input-fuzz", "Input fuzz"),
        ("faults", "Faults"),
        ("faults-chromium", "Faults in Chromium"),
        ("circuit-errors", "Circuit errors"),
        ("load", "Load"),
        ("share-amplification", "Share amplification"),
        ("share-hammer", "A share link hammered from one address"),
        ("accessibility", "Accessibility"),
    ];

    private const string Header =
        "# Reliability figures\n\n" +
        "Written by the test run (`./test.sh`): each section is replaced by the test that measured it, with the run it came from.\n" +
        "The figures are reported, not asserted; what each test asserts is said beside it. `test.sh` fails when a section was not\n" +
        "written by its own run.\n";

    public static string RunId => Environment.GetEnvironmentVariable("FILECHECK_TEST_RUN") is { Length: > 0 } id ? id : "local";

    /// <summary>Replaces the section <paramref name="id"/> with <paramref name="markdown"/> (a few lines or a table).</summary>
    public static void Write(string id, string markdown)
    {
        var title = Sections.FirstOrDefault(s => s.Id == id).Title
            ?? throw new ArgumentException($"'{id}' is not a section of docs/reliability.md; add it to ReliabilityReport.Sections.", nameof(id));
        var path = FilePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Tests may finish together, and two test projects may run at once by hand: one writer at a time, machine-wide.
        using var gate = new Mutex(false, "filecheck-reliability-report");
        try
        {
            if (!gate.WaitOne(TimeSpan.FromSeconds(60))) throw new TimeoutException("Another test held docs/reliability.md for 60 s.");
        }
        catch (AbandonedMutexException)
        {
            // A test process died holding it: the file was replaced whole (temp file, then move), so it is still readable.
        }
        try
        {
            WriteSection(path, id, title, markdown);
        }
        finally
        {
            gate.ReleaseMutex();
        }
    }

    private static void WriteSection(string path, string id, string title, string markdown)
    {
        var sections = File.Exists(path) ? Parse(File.ReadAllText(path)) : new Dictionary<string, string>();
        var stamp = string.Create(CultureInfo.InvariantCulture, $"_Run `{RunId}`, written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC._");
        sections[id] = $"## {title}\n<!-- section:{id} run:{RunId} -->\n\n{stamp}\n\n{markdown.Trim()}\n\n<!-- /section:{id} -->\n";
        var text = new StringBuilder(Header);
        foreach (var (sid, _) in Sections)
        {
            if (sections.TryGetValue(sid, out var body)) text.Append('\n').Append(body);
        }
        var temp = path + ".tmp";
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, path, overwrite: true);
    }

    public static string FilePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Filecheck.Dashboard.sln"))) return Path.Combine(dir.FullName, "docs", "reliability.md");
        }
        throw new InvalidOperationException("The repository root (with Filecheck.Dashboard.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Parse(string text)
    {
        var sections = new Dictionary<string, string>();
        foreach (Match m in SectionPattern().Matches(text)) sections[m.Groups["id"].Value] = m.Value.TrimEnd() + "\n";
        return sections;
    }

    [GeneratedRegex(@"## [^\n]*\n<!-- section:(?<id>[a-z-]+) run:[^ ]* -->.*?<!-- /section:\k<id> -->", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();
}
