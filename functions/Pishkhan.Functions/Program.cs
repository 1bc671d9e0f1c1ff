using Microsoft.Extensions.Hosting;
using Pishkhan.Functions;

FunctionsApp.CreateBuilder(args).Build().Run();
