using System.Reflection;

namespace Filecheck.Dashboard;

/// <summary>Where the dashboard's settings and web root live: the repository root when run from source.</summary>
public static class DashboardPaths
{
    public const string SolutionFile = "Filecheck.Dashboard.sln";

    private static readonly string? Root = FromBuild();

    public static WebApplicationOptions Options(string[] args)
    {
        // A content root given explicitly (arguments, environment, test hosts) wins.
        var explicitRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"));
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = explicitRoot ? null : Root,
        };
    }

    /// <summary>The repository this build was made from, while it runs from inside it (dotnet run, the tests); else null.</summary>
    public static string? FindRepositoryRoot() => Root;

    /// <summary>
    /// The root the build wrote into the assembly (the project's <c>RepositoryRoot</c> metadata). A published copy run
    /// from anywhere else has no source tree to read, so it keeps its own folder (its published settings).
    /// </summary>
    private static string? FromBuild()
    {
        var root = typeof(DashboardPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value?.TrimEnd(Path.DirectorySeparatorChar);
        return root is not null && AppContext.BaseDirectory.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? root : null;
    }
}
