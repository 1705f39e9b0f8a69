-- wrk script: POST one OIP v2 request (body from $HEARTH_BODY_FILE) with a bearer token ($HEARTH_TOKEN).
local f = assert(io.open(os.getenv("HEARTH_BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HEARTH_TOKEN")
