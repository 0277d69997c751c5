using Filecheck.Dashboard;

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

// Shell, Access, Sandbox, Jobs, History, Trends, Sharing: the list is in DashboardFeatures, which the test hosts run too.
builder.AddDashboard();

var app = builder.Build();
app.MapDashboard();
app.Run();

public partial class Program;
