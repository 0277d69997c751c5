using Filecheck.Dashboard;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Backend;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Trends;

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

builder.AddFilecheckBackend();
builder.AddAccess();
builder.Services.AddShell();
builder.Services.AddJobs();
builder.Services.AddHistory(builder.Configuration);
builder.Services.AddTrends(builder.Configuration);

var app = builder.Build();

app.UseShell();
app.MapAccess();
app.MapHistory();
app.MapJobs();
app.MapTrends();
app.MapShell();

app.Run();

public partial class Program;
