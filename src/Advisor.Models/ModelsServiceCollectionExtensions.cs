using System.ClientModel;
using System.ClientModel.Primitives;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OllamaSharp;
using OpenAI;

namespace Advisor.Models;

/// <summary>Registers model-written answers (and optional hybrid retrieval) on top of the core.</summary>
public static class ModelsServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> every model call goes through (tests may replace its primary handler).</summary>
    public const string HttpClientName = "Advisor.Model";

    /// <summary>
    /// Binds and validates "Advisor:Model". With a provider other than "none", adds the chat service to the
    /// kernel, replaces <see cref="IAnswerComposer"/> with <see cref="ModelAnswerComposer"/> and, when
    /// <see cref="ModelOptions.EmbeddingModel"/> is set, adds hybrid retrieval. Call after AddAdvisorCore.
    /// </summary>
    public static IServiceCollection AddAdvisorModels(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ModelOptions.SectionName);
        services.AddOptions<ModelOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());

        if (ModelProviders.IsNone(section[nameof(ModelOptions.Provider)]))
        {
            return services; // extractive answers, nothing else changes
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<RateLimitRetryHandler>();
        services.AddHttpClient(HttpClientName, (sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<ModelOptions>>().Value.ResolvedEndpoint;
                // No client-wide timeout: every call carries its own deadline — the composer's answer budget
                // (TimeoutSeconds), the question embedding's (QuestionEmbeddingTimeoutSeconds) or, for the section
                // vectors built in the background, TimeoutSeconds per batch.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<RateLimitRetryHandler>()
            .RemoveAllLoggers(); // the default request logging keeps "Authorization: Bearer <ApiKey>" in its structured state

        services.TryAddSingleton(sp => CreateOpenAIClient(sp));
        services.TryAddSingleton(sp => CreateOllamaClient(sp, sp.GetRequiredService<IOptions<ModelOptions>>().Value.Model!));
        services.AddSingleton<Action<IKernelBuilder>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
            var chat = options.IsOllama ? OllamaChat(sp) : null;
            var openAI = options.IsOpenAI ? sp.GetRequiredService<OpenAIClient>() : null;
            var loggerFactory = new PromptFunctionLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder =>
            {
                builder.Services.AddSingleton<ILoggerFactory>(loggerFactory);
                if (openAI is not null)
                {
                    builder.AddOpenAIChatCompletion(options.Model!, openAI);
                }
                else
                {
                    builder.Services.AddSingleton(chat!);
                }
            };
        });

        services.TryAddSingleton<ModelPrompts>();
        services.Replace(ServiceDescriptor.Singleton<IAnswerComposer>(sp => new ModelAnswerComposer(
            sp.GetRequiredService<Kernel>(),
            sp.GetRequiredService<ModelPrompts>(),
            sp.GetRequiredService<IOptions<ModelOptions>>(),
            sp.GetRequiredService<AdvisorMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelAnswerComposer>>())));

        if (!string.IsNullOrWhiteSpace(section[nameof(ModelOptions.EmbeddingModel)]))
        {
            services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
                return options.IsOllama
                    ? CreateOllamaClient(sp, options.EmbeddingModel!)
                    : sp.GetRequiredService<OpenAIClient>().GetEmbeddingClient(options.EmbeddingModel!).AsIEmbeddingGenerator();
            });
            services.TryAddSingleton<EmbeddingIndex>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IRetrievalRefiner, HybridRetrievalRefiner>());
        }

        return services;
    }

    private static OpenAIClient CreateOpenAIClient(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.ResolvedEndpoint,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // 429s are retried by RateLimitRetryHandler, within the budget
            NetworkTimeout = Timeout.InfiniteTimeSpan, // each call's own cancellation token bounds it (see above)
        };

        // Local servers (vLLM, llama.cpp, LM Studio) take any key; the client needs one to build its header.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey), clientOptions);
    }

    private static OllamaApiClient CreateOllamaClient(IServiceProvider sp, string model) =>
        new(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), model);

    private static IChatCompletionService OllamaChat(IServiceProvider sp)
    {
        var chatClient = new ChatClientBuilder(sp.GetRequiredService<OllamaApiClient>())
            .UseKernelFunctionInvocation(sp.GetRequiredService<ILoggerFactory>())
            .Build();
        return chatClient.AsChatCompletionService(sp);
    }
}
