namespace Filecheck.Dashboard.Tests.Support;

/// <summary>tests/Filecheck.HistoryWorker: a sync run as its own operating-system process.</summary>
public static class HistoryWorker
{
    /// <summary>Its output beside this project's (same configuration and framework).</summary>
    public static string Dll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(tests, "Filecheck.HistoryWorker", "bin", configuration, framework, "Filecheck.HistoryWorker.dll");
        Assert.True(File.Exists(dll), "Build tests/Filecheck.HistoryWorker first: " + dll);
        return dll;
    }
}
