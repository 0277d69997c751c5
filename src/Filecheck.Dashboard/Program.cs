using Filecheck.Dashboard;
using Filecheck.Dashboard.Sandbox;

// A setting left out (sign-in, the API's address, a bound out of range) refuses the start: the operator reads one
// sentence naming the keys, not a stack trace. Test hosts catch the same exception themselves and never get here.
StartRefusal.Watch();

// `migrate` and `move-history` act on the store and exit, instead of starting the dashboard.
if (StoreCommands.IsCommand(args)) return await StoreCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

// With no Filecheck:BaseUrl in Development: the built-in sandbox, started before the host is built and handed to it as
// settings (a test host starts its own first and passes them in, so none starts here).
await builder.StartSandboxIfWantedAsync();

// Shell, Access, Sandbox, Jobs, History, Trends, Sharing: the list is in DashboardFeatures, which the test hosts run too.
builder.AddDashboard();

var app = builder.Build();
StartRefusal.CheckSettings(app);
app.MapDashboard();
app.Run();
return 0;

public partial class Program;
