# The seed's Flask demo: a log "Hello {name}" goes on line 22 while it serves.
# Importing flask module in the project is mandatory.
# An object of Flask class is our WSGI application.
import os

from flask import Flask

# Flask constructor takes the name of
# current module (__name__) as argument.
app = Flask(__name__)

# Run with the Sonde agent, no change to this file:
#   SONDE_GATEWAY_URL=http://127.0.0.1:8790 python -m sonde_agent app.py
# PORT picks the port (default 5000; 0 picks a free one), HOST the address.

# The route() function of the Flask class is a decorator
# which tells the application which URL should call
# the associated function.
@app.route('/<name>')
# '/' URL is bound with hello_world() function.
def hello_world(name):
    return 'Hello: ' + name


# main driver function
if __name__ == '__main__':
    # run() method of Flask class runs the application
    # on the local development server.
    app.run(host=os.environ.get('HOST', '127.0.0.1'), port=int(os.environ.get('PORT', '5000')))
