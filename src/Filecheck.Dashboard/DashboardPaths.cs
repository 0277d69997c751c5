namespace Filecheck.Dashboard;

/// <summary>Where the dashboard's settings and web root live: the repository root when run from source.</summary>
public static class DashboardPaths
{
    public const string SolutionFile = "Filecheck.Dashboard.sln";

    public static WebApplicationOptions Options(string[] args)
    {
        // A content root given explicitly (arguments, environment, test hosts) wins.
        var explicitRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"));
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = explicitRoot ? null : FindRepositoryRoot(),
        };
    }

    /// <summary>The folder holding the solution, searched upward from the working folder and the binaries.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
