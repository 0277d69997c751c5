using Filecheck.Dashboard;

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

// Shell, Access, Sandbox, Jobs, History: see DashboardFeatures.
builder.AddDashboard();

var app = builder.Build();
app.MapDashboard();
app.Run();

public partial class Program;
