// Many mostly idle users: one GET, then 30 s of waiting, each user with its own connection and cookies.
import { constant, user } from 'volley';

export default user({
  wait: constant(30),
  tasks: [
    async (vu) => {
      await vu.http.get('/');
    },
  ],
});
