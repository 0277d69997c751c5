namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>The content root comes from the build (no walking up the folders): the source tree while running inside it.</summary>
public sealed class DashboardPathsTests
{
    [Fact]
    public void FindRepositoryRoot_FromTheTestsBinaries_IsTheTreeWithTheSettingsAndTheWebRoot()
    {
        var root = DashboardPaths.FindRepositoryRoot();

        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, DashboardPaths.SolutionFile)), root);
        Assert.True(File.Exists(Path.Combine(root, "appsettings.json")), root);
        Assert.True(Directory.Exists(Path.Combine(root, "wwwroot")), root);
        Assert.StartsWith(root + Path.DirectorySeparatorChar, AppContext.BaseDirectory);
        Assert.Equal(root, DashboardPaths.Options([]).ContentRootPath);
        Assert.Null(DashboardPaths.Options(["--contentRoot=/elsewhere"]).ContentRootPath);
    }
}
