package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceUserTest {

    @Test
    void wrapsCommandsInRunuserWhenSwitchingUser() {
        ServiceUser user = new ServiceUser("tributary", true);

        assertEquals(List.of("runuser", "-u", "tributary", "--", "env", "ES_PATH_CONF=/c", "bin/elasticsearch", "-d"),
                user.command(Map.of("ES_PATH_CONF", "/c"), List.of("bin/elasticsearch", "-d")));
    }

    @Test
    void runsCommandsAsTheyAreForTheCurrentUser() {
        ServiceUser user = new ServiceUser("dev", false);

        assertEquals(List.of("bin/pg_ctl", "start"), user.command(List.of("bin/pg_ctl", "start")));
    }
}
