package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.model.ModelRegistry;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;

/** Builds the HTTP server: routes, body limit and error mapping. */
public final class HttpApi {
    private HttpApi() {}

    /**
     * A configured, not yet started server.
     *
     * @param maxBodyBytes largest accepted request body
     */
    public static Javalin create(ModelRegistry registry, long maxBodyBytes) {
        ObjectMapper mapper = new ObjectMapper();
        ErrorMapper errors = new ErrorMapper(mapper);
        InferenceHandler inference =
                new InferenceHandler(registry, new InferenceRequestParser(mapper), mapper.getFactory());
        MetadataHandler metadata = new MetadataHandler(registry, mapper, errors);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = maxBodyBytes;
            cfg.useVirtualThreads = false;
        });
        app.get("/v2/health/live", metadata::live);
        app.get("/v2/health/ready", metadata::ready);
        app.get("/v2/models/{name}", metadata::model);
        app.post("/v2/models/{name}/infer", inference::infer);
        // Javalin's own responses (unknown route, body too large) need their own registration to be mapped.
        app.exception(HttpResponseException.class, errors::handle);
        app.exception(Exception.class, errors::handle);
        return app;
    }
}
