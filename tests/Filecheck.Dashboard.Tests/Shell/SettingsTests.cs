using Filecheck.Dashboard.Tests.Access;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>Every settings section fails the dashboard's start with a message that names the key to fix.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Auth:SessionLifetime", "-01:00:00")]
    [InlineData("Auth:RevalidationInterval", "00:00:00")]
    [InlineData("Auth:Mode", "Open")]
    [InlineData("Filecheck:Timeout", "00:00:00")]
    [InlineData("Filecheck:ArtifactHosts:0", "https://files.example.net/proofs")]
    [InlineData("History:Webhooks:PerMinute", "0")]
    [InlineData("History:Sync:Enabled", "maybe")]
    [InlineData("History:Sync:PageSize", "500")]
    [InlineData("Sandbox:JobCount", "-5")]
    [InlineData("Sandbox:Days", "0")]
    [InlineData("Jobs:Watcher:MinInterval", "00:00:00")]
    [InlineData("Jobs:Watcher:MaxInterval", "00:00:00.5")]
    public void Start_BadValue_FailsNamingTheKey(string key, string value)
    {
        var settings = DashboardApp.DemoSettings();
        settings["Sandbox:JobCount"] = "20";
        settings[key] = value;
        using var app = new DashboardApp("Development", settings);

        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        Assert.Contains(key, string.Join(Environment.NewLine, Messages(error)));
    }

    [Fact]
    public void Start_GoodValues_Starts()
    {
        var settings = DashboardApp.DemoSettings();
        settings["Sandbox:JobCount"] = "20";
        settings["Filecheck:ArtifactHosts:0"] = "files.example.net";
        settings["History:Webhooks:PerMinute"] = "30";
        using var app = new DashboardApp("Development", settings);

        Assert.NotNull(app.Services);
    }

    /// <summary>Every message of the exception, its inner ones and those an aggregate holds.</summary>
    private static IEnumerable<string> Messages(Exception error)
    {
        yield return error.Message;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var e in inner)
        {
            foreach (var m in Messages(e)) yield return m;
        }
    }
}
